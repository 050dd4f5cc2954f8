CREATE TABLE `backtests` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at_ms` integer NOT NULL,
	`owner` text NOT NULL,
	`strategy` text NOT NULL,
	`params` text NOT NULL,
	`symbols` text NOT NULL,
	`interval_ms` integer NOT NULL,
	`bars` integer NOT NULL,
	`metrics` text NOT NULL,
	`result` text NOT NULL,
	`status` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `backtests_created_idx` ON `backtests` (`created_at_ms`,`id`);