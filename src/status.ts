// The status-bar item: one glance says whether BitNet is ready, busy or broken.
import * as vscode from 'vscode';

export type EngineState =
  | { kind: 'starting' }
  | { kind: 'idle'; detail: string }
  | { kind: 'off' }
  | { kind: 'error'; message: string };

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('bitnet.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'BitNet';
    this.item.command = 'bitnet.showStats';
    this.show({ kind: 'starting' });
    this.item.show();
  }

  show(state: EngineState): void {
    const item = this.item;
    item.backgroundColor = undefined;
    switch (state.kind) {
      case 'starting':
        item.text = '$(loading~spin) BitNet';
        item.tooltip = 'BitNet is starting its engine…';
        break;
      case 'idle':
        item.text = '$(sparkle) BitNet';
        item.tooltip = state.detail;
        break;
      case 'off':
        item.text = '$(circle-slash) BitNet';
        item.tooltip = 'BitNet inline completion is off. Click for details.';
        break;
      case 'error':
        item.text = '$(error) BitNet';
        item.tooltip = state.message;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
