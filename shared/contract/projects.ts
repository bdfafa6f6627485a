import { z } from 'zod';
import { emptyInput, idSchema, pathSchema, timestampSchema } from './common';

export const projectSchema = z.object({
  id: idSchema,
  name: z.string(),
  path: z.string(),
  baseBranch: z.string(),
  createdAt: timestampSchema,
});
export type Project = z.infer<typeof projectSchema>;

export const projectProcedures = {
  'projects.add': {
    input: z.object({ path: pathSchema, name: z.string().trim().min(1).max(200).optional() }).strict(),
    output: projectSchema,
  },
  'projects.list': { input: emptyInput, output: z.array(projectSchema) },
  'projects.remove': { input: z.object({ id: idSchema }).strict(), output: z.object({ id: idSchema }) },
} as const;

export const projectEvents = {
  'project.changed': z.discriminatedUnion('kind', [
    z.object({ kind: z.enum(['added', 'updated']), project: projectSchema }),
    z.object({ kind: z.literal('removed'), id: idSchema }),
  ]),
} as const;
