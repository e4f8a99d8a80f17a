/**
 * @module platform/serve/fine-tuning/file-store
 * Files uploaded through `/v1/files` for fine-tuning: the bytes go to the workspace's content-addressed artifact
 * store, the catalogue (id, name, purpose, size) to the `fine_tuning_files` table. Uploads are checked line by line
 * before they are kept, so a bad file fails at upload with its line number, not later inside a training job.
 */
import { randomBytes } from 'node:crypto';
import { badRequest, notFound } from '../openai-errors.ts';
import type { Workspace } from '../../workspace/workspace.ts';

export interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  uri: string;
  createdAt: number;
}

/** The OpenAI `file` object. */
export function fileObject(file: StoredFile) {
  return { id: file.id, object: 'file' as const, bytes: file.bytes, created_at: Math.floor(file.createdAt / 1000), filename: file.filename, purpose: file.purpose, status: 'processed', status_details: null };
}

/** Every non-empty line must be a JSON object with `messages` (chat) or `prompt` and `completion`. */
export function checkTrainingJsonl(text: string, filename: string): number {
  let rows = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index].trim();
    if (!line) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw badRequest(`${filename}, line ${index + 1}: not valid JSON`, 'file', 'invalid_file_format');
    }
    const record = row as Record<string, unknown>;
    const chat = Array.isArray(record?.messages) && record.messages.length > 0;
    const completion = typeof record?.prompt === 'string' && typeof record?.completion === 'string';
    if (!chat && !completion) throw badRequest(`${filename}, line ${index + 1}: expected "messages" (chat) or "prompt" and "completion"`, 'file', 'invalid_file_format');
    rows += 1;
  }
  if (rows === 0) throw badRequest(`${filename} has no training rows`, 'file', 'invalid_file_format');
  return rows;
}

const toFile = (row: Record<string, unknown>): StoredFile => ({
  id: String(row.id), filename: String(row.filename), purpose: String(row.purpose), bytes: Number(row.bytes), uri: String(row.uri), createdAt: Number(row.created_at),
});

export class FineTuningFiles {
  constructor(private readonly workspace: Workspace) {}

  async upload(filename: string, purpose: string, data: Buffer): Promise<StoredFile> {
    if (purpose !== 'fine-tune') throw badRequest(`purpose "${purpose}" is not supported here; upload with purpose "fine-tune"`, 'purpose');
    checkTrainingJsonl(data.toString('utf8'), filename);
    const artifact = await this.workspace.artifacts.put(data);
    const file: StoredFile = { id: `file-${randomBytes(12).toString('hex')}`, filename, purpose, bytes: data.length, uri: artifact.uri, createdAt: Date.now() };
    await this.workspace.store.runner.run('INSERT INTO fine_tuning_files (id, filename, purpose, bytes, uri, created_at) VALUES (?, ?, ?, ?, ?, ?)', [file.id, file.filename, file.purpose, file.bytes, file.uri, file.createdAt]);
    return file;
  }

  async list(): Promise<StoredFile[]> {
    return (await this.workspace.store.runner.query('SELECT * FROM fine_tuning_files WHERE deleted_at IS NULL ORDER BY created_at DESC, id')).map(toFile);
  }

  async require(id: string, param = 'file_id'): Promise<StoredFile> {
    const [row] = await this.workspace.store.runner.query('SELECT * FROM fine_tuning_files WHERE id = ? AND deleted_at IS NULL', [id]);
    if (!row) throw notFound(`No such File object: ${id}`, param);
    return toFile(row);
  }

  /** Path of the file's bytes (the training loop reads it from there). */
  path(file: StoredFile): string {
    return this.workspace.artifacts.path(file.uri);
  }

  async content(id: string): Promise<Buffer> {
    return this.workspace.artifacts.get((await this.require(id)).uri);
  }

  /** Forgets the file; the bytes stay in the artifact store, since a finished job may still point at them. */
  async remove(id: string): Promise<void> {
    await this.require(id);
    await this.workspace.store.runner.run('UPDATE fine_tuning_files SET deleted_at = ? WHERE id = ?', [Date.now(), id]);
  }
}
