// The status-bar item: one glance says whether BitNet is ready, busy, off or
// broken; a click opens the quick menu. What it says is status-view.ts.
import * as vscode from 'vscode';
import { describeStatus, ShownState, type StatusInput } from './status-view';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('bitnet.status', vscode.StatusBarAlignment.Right, 100);
  private input: StatusInput = { engine: 'starting', inlineEnabled: true };
  private readonly shown = new ShownState(() => this.render());

  constructor() {
    this.item.name = 'BitNet';
    this.item.command = 'bitnet.statusMenu';
    this.render();
    this.item.show();
  }

  get current(): StatusInput {
    return this.input;
  }

  update(change: Partial<StatusInput>): void {
    this.input = { ...this.input, ...change };
    this.shown.set(this.input.engine);
    this.render();
  }

  dispose(): void {
    this.shown.dispose();
    this.item.dispose();
  }

  private render(): void {
    const view = describeStatus({ ...this.input, engine: this.shown.shown });
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}
