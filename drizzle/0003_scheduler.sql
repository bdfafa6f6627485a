CREATE TABLE `scheduler_runs` (
	`project_id` text PRIMARY KEY NOT NULL,
	`active` integer NOT NULL,
	`changed_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
