import type { z } from 'zod';
import { HttpError } from '../errors';
import { describeIssue } from '../webhooks/schemas';

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error));
  return parsed.data;
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, `${what} ${id} not found`);
}
