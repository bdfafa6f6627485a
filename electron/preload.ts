import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANNEL, type PreloadBridge } from '../shared/ipc';

const bridge: PreloadBridge = {
  send: (message) => ipcRenderer.send(IPC_CHANNEL, message),
  onMessage: (listener) => {
    const handler = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(IPC_CHANNEL, handler);
    return () => ipcRenderer.off(IPC_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('switchyard', bridge);
