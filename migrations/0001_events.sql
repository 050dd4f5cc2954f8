CREATE TABLE `events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`thread` text NOT NULL,
	`topics` text NOT NULL,
	`type` text NOT NULL,
	`event` text NOT NULL,
	`at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_thread_idx` ON `events` (`thread`,`seq`);