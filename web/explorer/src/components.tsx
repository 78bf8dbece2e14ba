/** Pieces every view shares: states (loading, empty, error), image strips, model pickers. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { session } from './router';
import type { QueryState } from './use-query';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

export function ErrorMessage({ children }: { children: ComponentChildren }) {
  return (
    <p class="state error" role="alert">
      {children}
    </p>
  );
}

/** Renders a query's loading and error states; `children` gets the data. */
export function Await<T>({ state, what, children }: { state: QueryState<T>; what: string; children: (data: T) => ComponentChildren }) {
  if (state.status === 'idle') return null;
  if (state.status === 'loading') return <Loading what={what} />;
  if (state.status === 'error') return <ErrorMessage>Could not load {what}: {state.error}</ErrorMessage>;
  return <>{children(state.data)}</>;
}

/** A probe image as the API gives it: served URLs when the server has them. */
export interface ImageRef {
  ordinal: number;
  uri?: string | null;
  url?: string | null;
  thumbnailUrl?: string | null;
  heatmapUrl?: string | null;
  activation?: number;
}

function imageTitle(image: ImageRef): string {
  const where = image.uri ? ` (${image.uri})` : '';
  const activation = image.activation === undefined ? '' : `, activation ${formatNumber(image.activation)}`;
  return `probe image ${image.ordinal}${where}${activation}`;
}

/** A small image (thumbnail), or a labelled placeholder when the server serves no image for it. */
export function Thumb({ image, size = 64, heatmap = false }: { image: ImageRef; size?: number; heatmap?: boolean }) {
  const source = heatmap ? image.heatmapUrl : (image.thumbnailUrl ?? image.url);
  if (!source) {
    return (
      <span class="thumb placeholder" style={{ width: `${size}px`, height: `${size}px` }} title={imageTitle(image)}>
        #{image.ordinal}
      </span>
    );
  }
  return <img class="thumb" src={source} width={size} height={size} alt={`${heatmap ? 'heatmap of ' : ''}${imageTitle(image)}`} loading="lazy" decoding="async" />;
}

export function ImageStrip({ images, size = 48 }: { images: readonly ImageRef[]; size?: number }) {
  if (!images.length) return <span class="muted">no images</span>;
  return (
    <span class="strip">
      {images.map((image) => (
        <Thumb key={image.ordinal} image={image} size={size} />
      ))}
    </span>
  );
}

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '–';
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(1);
  return value.toFixed(digits);
}

/** A label's confidence as `confidence 0.93`; nothing for labels stored without one. */
export function Confidence({ value }: { value: number | null | undefined }) {
  if (value === null || value === undefined) return null;
  return (
    <span class="confidence" title="Estimated probability that the label is right">
      confidence {value.toFixed(2)}
    </span>
  );
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** Sets the page title (one per view, so history and tabs say where they are). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Neuron atlas`;
  }, [title]);
}

/**
 * The view's heading; after a change of view in the page it takes the focus, so keyboard and
 * screen reader users start at the new content (a first load leaves focus at the page's start).
 */
export function Heading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (session.navigated) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** `model@version` (the compare view's notation). */
export function modelRef(model: { name: string; version: string }): string {
  return `${model.name}@${model.version}`;
}

export function parseModelRef(text: string | null): { name: string; version?: string } | null {
  if (!text) return null;
  const at = text.lastIndexOf('@');
  if (at <= 0) return { name: text };
  return { name: text.slice(0, at), version: text.slice(at + 1) || undefined };
}
