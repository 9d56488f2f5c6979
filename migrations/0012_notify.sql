CREATE TABLE `notify_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`outbox_id` integer NOT NULL,
	`incident_id` text NOT NULL,
	`channel` text NOT NULL,
	`attempt` integer NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`outcome` text NOT NULL,
	`status` integer,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `notify_attempts_outbox` ON `notify_attempts` (`outbox_id`,`id`);--> statement-breakpoint
CREATE INDEX `notify_attempts_incident` ON `notify_attempts` (`incident_id`);--> statement-breakpoint
CREATE TABLE `notify_channels` (
	`name` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`config` text NOT NULL,
	`rate_limit` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notify_incidents` (
	`incident_id` text PRIMARY KEY NOT NULL,
	`snapshot` text NOT NULL,
	`channels` text NOT NULL,
	`repeat_interval_ms` integer NOT NULL,
	`next_repeat_at` integer NOT NULL,
	`repeats` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notify_incidents_due` ON `notify_incidents` (`next_repeat_at`);--> statement-breakpoint
CREATE TABLE `notify_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`incident_id` text NOT NULL,
	`event` text NOT NULL,
	`channel` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`last_status` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notify_outbox_key_unique` ON `notify_outbox` (`key`);--> statement-breakpoint
CREATE INDEX `notify_outbox_due` ON `notify_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notify_outbox_incident` ON `notify_outbox` (`incident_id`,`id`);