CREATE TABLE `approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`agent` text NOT NULL,
	`farm` text,
	`cycle_id` text NOT NULL,
	`venue` text NOT NULL,
	`symbol` text NOT NULL,
	`side` text NOT NULL,
	`type` text NOT NULL,
	`quantity` text NOT NULL,
	`price` text,
	`notional` text NOT NULL,
	`reasons` text NOT NULL,
	`message` text NOT NULL,
	`signal_reason` text NOT NULL,
	`state` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL,
	`decided_at_ms` integer,
	`decided_by` text,
	`client_order_id` text,
	`result` text
);
--> statement-breakpoint
CREATE INDEX `approvals_state_idx` ON `approvals` (`state`,`created_at_ms`);--> statement-breakpoint
CREATE INDEX `approvals_agent_idx` ON `approvals` (`agent`,`created_at_ms`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`agent` text NOT NULL,
	`farm` text,
	`cycle_id` text NOT NULL,
	`strategy` text NOT NULL,
	`mode` text NOT NULL,
	`outcome` text NOT NULL,
	`reason` text NOT NULL,
	`side` text NOT NULL,
	`symbol` text,
	`venue` text,
	`quantity` text,
	`price` text,
	`notional` text,
	`orders` text NOT NULL,
	`approval_id` text,
	`at_ms` integer NOT NULL,
	`latency_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `decisions_agent_idx` ON `decisions` (`agent`,`at_ms`);--> statement-breakpoint
CREATE TABLE `equity_samples` (
	`scope` text NOT NULL,
	`at_ms` integer NOT NULL,
	`equity` text NOT NULL,
	`cash` text NOT NULL,
	PRIMARY KEY(`scope`, `at_ms`)
);
--> statement-breakpoint
CREATE TABLE `signals` (
	`id` text PRIMARY KEY NOT NULL,
	`agent` text NOT NULL,
	`farm` text,
	`cycle_id` text NOT NULL,
	`venue` text NOT NULL,
	`symbol` text NOT NULL,
	`side` text NOT NULL,
	`strength` real NOT NULL,
	`confidence` real NOT NULL,
	`reason` text NOT NULL,
	`price` text NOT NULL,
	`at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `signals_time_idx` ON `signals` (`at_ms`);--> statement-breakpoint
CREATE INDEX `signals_agent_idx` ON `signals` (`agent`,`at_ms`);--> statement-breakpoint
CREATE INDEX `signals_symbol_idx` ON `signals` (`symbol`,`at_ms`);--> statement-breakpoint
CREATE INDEX `signals_farm_idx` ON `signals` (`farm`,`at_ms`);--> statement-breakpoint
ALTER TABLE `fills` ADD `decision_price` text;