CREATE TABLE `policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`source` text NOT NULL,
	`file` text,
	`document` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policies_kind_name` ON `policies` (`kind`,`name`);--> statement-breakpoint
CREATE TABLE `policy_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`change` text NOT NULL,
	`enabled` integer NOT NULL,
	`source` text NOT NULL,
	`file` text,
	`document` text NOT NULL,
	`changed_by` text NOT NULL,
	`changed_by_type` text NOT NULL,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_versions_kind_name_version` ON `policy_versions` (`kind`,`name`,`version`);