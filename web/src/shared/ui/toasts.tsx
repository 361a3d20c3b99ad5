import { useEffect, useState } from "react";

import { onToast, type ToastMessage } from "./toast-bus";

export function Toasts() {
  const [toasts, setToasts] = useState<ToastMessage[]>([]);
  useEffect(
    () =>
      onToast((toast) => {
        setToasts((current) => [...current.slice(-3), toast]);
        setTimeout(() => setToasts((current) => current.filter((t) => t.id !== toast.id)), 8000);
      }),
    [],
  );
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`}>
          <strong>{toast.title}</strong>
          <p>{toast.body}</p>
          <button type="button" onClick={() => setToasts((c) => c.filter((t) => t.id !== toast.id))} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
