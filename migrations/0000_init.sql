CREATE TABLE `idempotency_keys` (
	`principal` text NOT NULL,
	`key` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`response` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	PRIMARY KEY(`principal`, `key`)
);
--> statement-breakpoint
CREATE TABLE `journal_entries` (
	`wallet_id` text NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	`counterparty` text,
	`asset` text NOT NULL,
	`cash_delta` text NOT NULL,
	`at_ms` integer NOT NULL,
	PRIMARY KEY(`wallet_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `journal_lines` (
	`wallet_id` text NOT NULL,
	`seq` integer NOT NULL,
	`line_no` integer NOT NULL,
	`account` text NOT NULL,
	`asset` text NOT NULL,
	`amount` text NOT NULL,
	PRIMARY KEY(`wallet_id`, `seq`, `line_no`)
);
--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`from_wallet` text NOT NULL,
	`to_wallet` text NOT NULL,
	`asset` text NOT NULL,
	`amount` text NOT NULL,
	`forward_to` text,
	`state` text NOT NULL,
	`code` text,
	`message` text,
	`attempts` integer NOT NULL,
	`memo` text,
	`version` integer NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transfers_from_idx` ON `transfers` (`from_wallet`,`created_at_ms`);--> statement-breakpoint
CREATE INDEX `transfers_to_idx` ON `transfers` (`to_wallet`,`created_at_ms`);--> statement-breakpoint
CREATE TABLE `wallets` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`parent` text,
	`status` text NOT NULL,
	`strategy` text,
	`role` text,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
