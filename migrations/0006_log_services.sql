CREATE TABLE `log_services` (
	`service` text PRIMARY KEY NOT NULL,
	`lines` integer NOT NULL,
	`last_seen` integer NOT NULL
);
