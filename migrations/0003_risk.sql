CREATE TABLE `risk_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`scope` text NOT NULL,
	`by` text NOT NULL,
	`reason` text NOT NULL,
	`detail` text NOT NULL,
	`at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `risk_actions_time_idx` ON `risk_actions` (`at_ms`);--> statement-breakpoint
CREATE TABLE `risk_alerts` (
	`key` text NOT NULL,
	`first_at_ms` integer NOT NULL,
	`level` text NOT NULL,
	`rule` text NOT NULL,
	`scope` text NOT NULL,
	`message` text NOT NULL,
	`last_at_ms` integer NOT NULL,
	`cleared_at_ms` integer,
	PRIMARY KEY(`key`, `first_at_ms`)
);
--> statement-breakpoint
CREATE INDEX `risk_alerts_time_idx` ON `risk_alerts` (`last_at_ms`);--> statement-breakpoint
CREATE TABLE `risk_snapshots` (
	`as_of_ms` integer PRIMARY KEY NOT NULL,
	`equity` text NOT NULL,
	`gross_exposure` text NOT NULL,
	`daily_pnl` text NOT NULL,
	`var_99` text NOT NULL,
	`halted` integer NOT NULL,
	`report` text NOT NULL
);
