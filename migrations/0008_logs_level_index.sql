DROP INDEX `logs_service_ts`;--> statement-breakpoint
CREATE INDEX `logs_service_ts_level` ON `logs` (`service`,`ts`,`id`,`level`);