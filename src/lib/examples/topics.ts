/**
 * Topic headings: examples/topics.json maps each topic folder of examples/
 * to the heading the example index and example pages show. Read once per
 * examples root; a topic missing from the file gets its folder name,
 * capitalised, with dashes as spaces.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ProblemError } from '../problems.ts';

/** The file, next to the topic folders it names. */
export const TOPICS_FILE = 'topics.json';

/** One topic's entry. */
export const topicSchema = z.object({
  /** The heading, e.g. "Pods and the network model". */
  title: z.string().min(1),
}).strict();

/** The whole file: topic folder name (a DNS label) to its entry. */
export const topicsSchema = z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a topic is a folder name under examples/ (a DNS label)'), topicSchema);
export type Topics = z.infer<typeof topicsSchema>;

/** The topics file of an examples root ({} when there is none); a file that does not parse or match is a ProblemError. */
export function readTopics(examplesDir: string): Topics {
  const file = path.join(examplesDir, TOPICS_FILE);
  if (!existsSync(file)) return {};
  const fail = (message: string) => new ProblemError([{ file, line: 1, column: 1, rule: 'topics', severity: 'error', message, hint: 'each entry reads "<topic>": { "title": "<heading>" }' }]);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw fail(`not JSON: ${(e as Error).message}`);
  }
  const r = topicsSchema.safeParse(data);
  if (!r.success) throw fail(r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; '));
  return r.data;
}

/** A topic's heading from the table, or its folder name made readable. */
export function topicTitleIn(topics: Topics, topic: string): string {
  return topics[topic]?.title ?? topic.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
