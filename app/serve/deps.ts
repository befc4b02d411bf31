/** What the finance page's routes work with. */
import type { StateStore } from '../../engine/state/store.js';
import type { PageRunner } from './runner.js';

export interface PageDeps {
  state: StateStore;
  runner: PageRunner;
}
