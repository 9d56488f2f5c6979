CREATE TABLE `drift_findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`category` text NOT NULL,
	`type` text NOT NULL,
	`severity` text NOT NULL,
	`api_version` text NOT NULL,
	`kind` text NOT NULL,
	`namespace` text,
	`name` text NOT NULL,
	`detail` text NOT NULL,
	`revision` text,
	`status` text NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `drift_findings_status_first` ON `drift_findings` (`status`,`first_seen`,`id`);--> statement-breakpoint
CREATE INDEX `drift_findings_key` ON `drift_findings` (`key`,`status`);