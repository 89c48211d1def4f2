/**
 * A one-line progress bar for a terminal: redrawn in place with \r only when the shown percentage
 * changes, and wiped when done so it never mixes with the report. Only for a TTY; callers decide.
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly columns?: number;
}

export interface ProgressBar {
  update(done: number, total: number): void;
  finish(): void;
}

export function progressBar(stream: ProgressStream, label: string): ProgressBar {
  let shown = -1;
  let drawn = false;
  return {
    update(done, total) {
      const permille = total === 0 ? 1000 : Math.floor((done / total) * 1000);
      if (permille === shown) return;
      shown = permille;
      const width = Math.max(10, Math.min(40, (stream.columns || 80) - label.length - 30));
      const filled = Math.round((permille / 1000) * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(permille / 10).toFixed(1)}% ${done}/${total}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
