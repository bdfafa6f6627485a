import { useAppStore } from '../stores/appStore';

/** Says, for as long as it lasts, that the disk is full and agents' output waits in memory. */
export function StorageBanner() {
  const storage = useAppStore((s) => s.storage);
  if (!storage?.degraded) return null;
  return (
    <div className="banner storage-banner" role="alert">
      Switchyard cannot write to its database (is the disk full?): agents&apos; output and states are kept in
      memory and saved as soon as it can write again. Free some space on the disk that holds its data.
      {storage.reason && <span className="storage-reason"> ({storage.reason})</span>}
    </div>
  );
}
