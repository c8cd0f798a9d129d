// Posts and what is known of them: posts, authors, snapshots, topic matches, analysis and the posts search index.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';

export class PostsStore {
  constructor(private readonly db: Db) {}
}
