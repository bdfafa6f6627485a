CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`agent_kind` text NOT NULL,
	`agent_session_id` text,
	`state` text NOT NULL,
	`state_source` text NOT NULL,
	`state_at` integer NOT NULL,
	`pid` integer,
	`cwd` text NOT NULL,
	`exit_code` integer,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_task` ON `sessions` (`task_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `state_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`state` text NOT NULL,
	`source` text NOT NULL,
	`at` integer NOT NULL,
	`detail` text,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `state_changes_session` ON `state_changes` (`session_id`,`at`);--> statement-breakpoint
CREATE TABLE `transcript_chunks` (
	`session_id` text NOT NULL,
	`seq` integer NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `seq`),
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
