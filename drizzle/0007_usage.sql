CREATE TABLE `task_status_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text NOT NULL,
	`status` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `task_status_changes_task` ON `task_status_changes` (`task_id`,`at`);--> statement-breakpoint
CREATE TABLE `usage_buckets` (
	`session_id` text NOT NULL,
	`model` text NOT NULL,
	`hour` integer NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`cache_write_tokens` integer NOT NULL,
	`cache_read_tokens` integer NOT NULL,
	PRIMARY KEY(`session_id`, `model`, `hour`),
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `usage_buckets_hour` ON `usage_buckets` (`hour`);--> statement-breakpoint
CREATE TABLE `usage_sources` (
	`session_id` text PRIMARY KEY NOT NULL,
	`format` text NOT NULL,
	`path` text NOT NULL,
	`offset` integer NOT NULL,
	`carry` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
