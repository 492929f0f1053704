// When to read a place's prompt ahead of typing, free of VS Code. A place is
// warmed when an editor becomes active or the cursor comes to rest somewhere
// new (a click, a jump, a file switch), so the first keystroke there finds
// its prompt in the KV cache. Warming stops while the window is not focused
// and after a while with nothing happening, to spare the battery.

/** Where the cursor is. */
export interface Place {
  path: string;
  line: number;
}

/** The cursor is at rest once it has not moved for this long. */
export const WARM_REST_MS = 400;
/** Moving at most this many lines is not "somewhere new": the warm prompt still mostly matches. */
export const NEAR_LINES = 3;
/** With nothing happening for this long, warming stops. */
export const IDLE_STOP_MS = 2 * 60_000;

export interface WarmUpActions {
  /** Reads the prompt at the cursor now (the adapter takes the editor's current state). */
  warm(): void;
  /** Drops background reading. */
  stop(): void;
}

export class WarmUpPolicy {
  private focused = true;
  private warmed: Place | undefined;
  private restTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly actions: WarmUpActions) {}

  /** An editor became active (or the window came back into focus on one). */
  editorActivated(place: Place): void {
    this.warmed = undefined;
    this.moved(place);
  }

  /** The cursor moved without typing (a click, a jump, arrow keys). */
  cursorMoved(place: Place): void {
    this.moved(place);
  }

  /** The user typed: live completion takes over this place. */
  typed(place: Place): void {
    clearTimeout(this.restTimer);
    this.warmed = place;
    this.active();
  }

  focusChanged(focused: boolean, place: Place | undefined): void {
    this.focused = focused;
    if (!focused) {
      clearTimeout(this.restTimer);
      clearTimeout(this.idleTimer);
      this.actions.stop();
    } else if (place) {
      this.editorActivated(place);
    }
  }

  dispose(): void {
    clearTimeout(this.restTimer);
    clearTimeout(this.idleTimer);
  }

  private moved(place: Place): void {
    if (!this.focused) return;
    this.active();
    clearTimeout(this.restTimer);
    if (this.warmed && near(this.warmed, place)) return;
    this.restTimer = setTimeout(() => {
      this.warmed = place;
      this.actions.warm();
    }, WARM_REST_MS);
  }

  private active(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.actions.stop(), IDLE_STOP_MS);
  }
}

function near(a: Place, b: Place): boolean {
  return a.path === b.path && Math.abs(a.line - b.line) <= NEAR_LINES;
}
