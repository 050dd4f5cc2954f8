CREATE TABLE `fills` (
	`fill_id` text PRIMARY KEY NOT NULL,
	`client_order_id` text NOT NULL,
	`agent` text NOT NULL,
	`venue` text NOT NULL,
	`symbol` text NOT NULL,
	`side` text NOT NULL,
	`price` text NOT NULL,
	`quantity` text NOT NULL,
	`fee` text NOT NULL,
	`fee_asset` text NOT NULL,
	`liquidity` text NOT NULL,
	`time_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `fills_agent_idx` ON `fills` (`agent`,`time_ms`);--> statement-breakpoint
CREATE TABLE `orders` (
	`client_order_id` text PRIMARY KEY NOT NULL,
	`agent` text NOT NULL,
	`venue` text NOT NULL,
	`symbol` text NOT NULL,
	`side` text NOT NULL,
	`type` text NOT NULL,
	`time_in_force` text NOT NULL,
	`price` text,
	`quantity` text NOT NULL,
	`status` text NOT NULL,
	`filled_quantity` text NOT NULL,
	`average_price` text NOT NULL,
	`code` text,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orders_agent_idx` ON `orders` (`agent`,`created_at_ms`);