CREATE TABLE `event_wal` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`data` text NOT NULL,
	`records` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`severity` text NOT NULL,
	`subject` text NOT NULL,
	`message` text NOT NULL,
	`attributes` text NOT NULL,
	`truncated` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_ts` ON `events` (`ts`,`id`);--> statement-breakpoint
CREATE INDEX `events_source_ts` ON `events` (`source`,`ts`);--> statement-breakpoint
CREATE TABLE `log_wal` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`data` text NOT NULL,
	`records` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`service` text NOT NULL,
	`level` integer NOT NULL,
	`message` text NOT NULL,
	`labels` text NOT NULL,
	`truncated` integer DEFAULT false NOT NULL,
	`size` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `logs_service_ts` ON `logs` (`service`,`ts`,`id`);--> statement-breakpoint
CREATE INDEX `logs_ts` ON `logs` (`ts`);