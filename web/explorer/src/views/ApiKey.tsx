/** The API key field of the views that change the atlas (kept for this tab only). */
export function ApiKeyField({ value, onChange }: { value: string; onChange: (key: string) => void }) {
  return (
    <label>
      API key{' '}
      <input type="password" autoComplete="off" value={value} onInput={(e) => onChange(e.currentTarget.value)} placeholder="ATLAS_API_KEY" />
    </label>
  );
}
