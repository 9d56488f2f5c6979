-- Full-text index over logs.message (FTS5 cannot be expressed in drizzle). External content:
-- the text lives once, in logs; triggers keep the index in step inside the same transaction as
-- the insert (the WAL mover) or the delete (retention).
CREATE VIRTUAL TABLE `logs_fts` USING fts5(message, content='logs', content_rowid='id');
--> statement-breakpoint
CREATE TRIGGER `logs_fts_insert` AFTER INSERT ON `logs` BEGIN
  INSERT INTO logs_fts(rowid, message) VALUES (new.id, new.message);
END;
--> statement-breakpoint
CREATE TRIGGER `logs_fts_delete` AFTER DELETE ON `logs` BEGIN
  INSERT INTO logs_fts(logs_fts, rowid, message) VALUES ('delete', old.id, old.message);
END;
