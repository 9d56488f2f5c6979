CREATE TABLE `metric_chunks` (
	`series_id` integer NOT NULL,
	`tier` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`count` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`series_id`, `tier`, `start_ts`)
);
--> statement-breakpoint
CREATE INDEX `metric_chunks_tier_end` ON `metric_chunks` (`tier`,`end_ts`);--> statement-breakpoint
CREATE TABLE `metric_series` (
	`id` integer PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`labels` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metric_series_key_unique` ON `metric_series` (`key`);--> statement-breakpoint
CREATE TABLE `metric_wal` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`data` blob NOT NULL,
	`samples` integer NOT NULL,
	`created_at` integer NOT NULL
);
