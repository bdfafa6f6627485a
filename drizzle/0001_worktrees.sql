CREATE TABLE `worktree_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`worktree_id` text NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`message` text NOT NULL,
	`details` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`worktree_id`) REFERENCES `worktrees`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `worktree_events_worktree` ON `worktree_events` (`worktree_id`,`at`);--> statement-breakpoint
CREATE TABLE `worktrees` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`project_id` text NOT NULL,
	`path` text NOT NULL,
	`branch` text NOT NULL,
	`base_branch` text NOT NULL,
	`base_commit` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`setup` text NOT NULL,
	`owns_branch` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `worktrees_task` ON `worktrees` (`task_id`);--> statement-breakpoint
CREATE INDEX `worktrees_project_status` ON `worktrees` (`project_id`,`status`);