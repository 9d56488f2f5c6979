-- The full-text index without its per-line size table (columnsize=0: nothing ranks by bm25), and
-- the per-service totals of log_services kept by triggers, in the same transaction as the insert
-- (the WAL mover) or the delete (retention) that changes them.
DROP TABLE `logs_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `logs_fts` USING fts5(message, content='logs', content_rowid='id', columnsize=0);
--> statement-breakpoint
INSERT INTO logs_fts(logs_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO log_services (service, lines, last_seen)
  SELECT service, count(*), max(ts) FROM logs GROUP BY service;
--> statement-breakpoint
CREATE TRIGGER `log_services_insert` AFTER INSERT ON `logs` BEGIN
  INSERT INTO log_services (service, lines, last_seen) VALUES (new.service, 1, new.ts)
    ON CONFLICT (service) DO UPDATE SET lines = lines + 1, last_seen = max(last_seen, excluded.last_seen);
END;
--> statement-breakpoint
-- A service without lines leaves the list; deleting its newest line looks up the next newest
-- through logs_service_ts (retention deletes the oldest lines, so this is rare).
CREATE TRIGGER `log_services_delete` AFTER DELETE ON `logs` BEGIN
  DELETE FROM log_services WHERE service = old.service AND lines <= 1;
  UPDATE log_services SET lines = lines - 1,
    last_seen = CASE WHEN last_seen = old.ts
      THEN coalesce((SELECT max(ts) FROM logs WHERE service = old.service), last_seen)
      ELSE last_seen END
    WHERE service = old.service;
END;
