CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`acquired_at` integer NOT NULL,
	`renewed_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`transitions` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `remediation_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`action` text NOT NULL,
	`params` text NOT NULL,
	`target_kind` text NOT NULL,
	`target_namespace` text,
	`target_name` text NOT NULL,
	`priority` integer NOT NULL,
	`requester_kind` text NOT NULL,
	`requester_name` text NOT NULL,
	`requester_role` text,
	`reason` text NOT NULL,
	`incident_id` integer,
	`policy` text,
	`step` integer,
	`idempotency_key` text,
	`state` text NOT NULL,
	`phase` text,
	`severity` text,
	`limits` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`not_before` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`dry_run` text,
	`guards` text DEFAULT '[]' NOT NULL,
	`result` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer,
	`started_at` integer,
	`mutated_at` integer,
	`finished_at` integer,
	`decided_by` text,
	`decision_comment` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `remediation_tasks_idempotency` ON `remediation_tasks` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `remediation_tasks_queue` ON `remediation_tasks` (`state`,`priority`,`id`);--> statement-breakpoint
CREATE INDEX `remediation_tasks_mutated` ON `remediation_tasks` (`mutated_at`);--> statement-breakpoint
CREATE INDEX `remediation_tasks_incident` ON `remediation_tasks` (`incident_id`,`id`);