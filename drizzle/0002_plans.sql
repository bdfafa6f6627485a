CREATE TABLE `plans` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`path` text,
	`title` text,
	`content_hash` text NOT NULL,
	`imported_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `plans_project` ON `plans` (`project_id`);--> statement-breakpoint
CREATE TABLE `task_deps` (
	`task_id` text NOT NULL,
	`depends_on_id` text NOT NULL,
	`plan_id` text,
	PRIMARY KEY(`task_id`, `depends_on_id`),
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`depends_on_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `task_deps_depends_on` ON `task_deps` (`depends_on_id`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `parent_id` text REFERENCES tasks(id);--> statement-breakpoint
ALTER TABLE `tasks` ADD `estimate` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `complexity` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `size` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `context_docs` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `agent_options` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `agent_label` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `plan_id` text REFERENCES plans(id);--> statement-breakpoint
ALTER TABLE `tasks` ADD `plan_key` text;--> statement-breakpoint
CREATE INDEX `tasks_plan` ON `tasks` (`plan_id`);