ALTER TABLE `tasks` ADD `limit_reset_at` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `stop_reason` text;