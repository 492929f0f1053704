// The status-bar item: one glance says whether BitNet is ready, busy, off or
// broken; a click opens the quick menu.
import * as vscode from 'vscode';
import { describeStatus, type StatusInput } from './status-view';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('bitnet.status', vscode.StatusBarAlignment.Right, 100);
  private input: StatusInput = { engine: 'starting', inlineEnabled: true };

  constructor() {
    this.item.name = 'BitNet';
    this.item.command = 'bitnet.statusMenu';
    this.render();
    this.item.show();
  }

  update(change: Partial<StatusInput>): void {
    this.input = { ...this.input, ...change };
    this.render();
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    const view = describeStatus(this.input);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}
