CREATE TABLE `incident_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`message` text NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `incident_events_incident` ON `incident_events` (`incident_id`,`id`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`fingerprint` text NOT NULL,
	`rule` text,
	`title` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`silence_id` integer,
	`labels` text NOT NULL,
	`annotations` text NOT NULL,
	`value` real,
	`source` text NOT NULL,
	`channels` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`since` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`started_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`resolved_at` integer,
	`resolved_by` text,
	`reopened_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incidents_fingerprint` ON `incidents` (`fingerprint`,`status`);--> statement-breakpoint
CREATE INDEX `incidents_status` ON `incidents` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `silences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`matchers` text NOT NULL,
	`comment` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`expired_by` text
);
--> statement-breakpoint
CREATE INDEX `silences_ends` ON `silences` (`ends_at`);