CREATE TABLE `anomalies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`series_id` integer NOT NULL,
	`series` text NOT NULL,
	`labels` text NOT NULL,
	`score` real NOT NULL,
	`severity` text NOT NULL,
	`component` text NOT NULL,
	`value` real NOT NULL,
	`expected` real NOT NULL,
	`low` real NOT NULL,
	`high` real NOT NULL,
	`explanation` text NOT NULL,
	`detected_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `anomalies_ts` ON `anomalies` (`ts`,`id`);--> statement-breakpoint
CREATE INDEX `anomalies_series_ts` ON `anomalies` (`series_id`,`ts`);