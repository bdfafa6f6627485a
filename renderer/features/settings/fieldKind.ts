import { z } from 'zod';
import { settingDefinitions, type SettingKey } from '../../../shared/contract';

export type FieldKind =
  | { kind: 'choice'; options: string[] }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'text'; nullable: boolean }
  | { kind: 'boolean' }
  | { kind: 'list' };

/** What input a setting needs, read from its schema in the contract. */
export function fieldKind(key: SettingKey): FieldKind {
  let schema: z.ZodType = settingDefinitions[key].schema;
  let nullable = false;
  if (schema instanceof z.ZodNullable) {
    nullable = true;
    schema = schema.unwrap() as z.ZodType;
  }
  if (schema instanceof z.ZodBoolean) return { kind: 'boolean' };
  if (schema instanceof z.ZodArray) return { kind: 'list' };
  if (schema instanceof z.ZodEnum) return { kind: 'choice', options: schema.options.map(String) };
  if (schema instanceof z.ZodNumber) {
    return {
      kind: 'number',
      ...(schema.minValue !== null ? { min: schema.minValue } : {}),
      ...(schema.maxValue !== null ? { max: schema.maxValue } : {}),
    };
  }
  return { kind: 'text', nullable };
}

/** Turns what the user typed into the value the contract expects. */
export function parseField(field: FieldKind, raw: string): unknown {
  if (field.kind === 'boolean') return raw === 'true';
  if (field.kind === 'list') return raw.split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== '');
  if (field.kind === 'number') return raw.trim() === '' ? Number.NaN : Number(raw);
  if (field.kind === 'text' && field.nullable && raw.trim() === '') return null;
  return raw;
}
