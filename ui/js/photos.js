// Product photos in the back office: the inventory table's photo cell and the upload itself.
//
// An upload is two steps. The API (POST /inventory/{sku}/image) marks the product's photo as
// processing and answers with a presigned form for the uploads bucket, bound to the file's type
// and the environment's size limit; the browser then posts the file straight to S3 with that
// form. The image function makes the storefront's sizes a few seconds later; until then the
// product keeps showing its old photo. The page refuses a file of another type or over the
// limit before asking, so nothing is marked for an upload that will never come.

import { api, seg } from "./api.js";
import { h } from "./ui.js";

export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];

const config = window.STACKGEN_CONFIG || {};
const maxBytes = Number(config.photoMaxBytes) || 5 * 1024 * 1024;

const mib = (bytes) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** Why `file` cannot be a product photo, or "" when it can. */
export function photoProblem(file) {
  if (!PHOTO_TYPES.includes(file.type)) return `${file.name} is not a JPEG, PNG or WebP photo.`;
  if (file.size > maxBytes) return `${file.name} is ${mib(file.size)}; a photo may be at most ${mib(maxBytes)}.`;
  if (file.size === 0) return `${file.name} is empty.`;
  return "";
}

/**
 * Uploads `file` as the photo of `sku`: asks the API for a presigned form, then posts the file
 * to S3 with it. Throws an Error whose message says what went wrong.
 */
export async function uploadPhoto(sku, file) {
  const problem = photoProblem(file);
  if (problem) throw new Error(problem);
  const answer = await api("POST", `/inventory/${seg(sku)}/image`, { body: { contentType: file.type } });
  const form = new FormData();
  for (const [name, value] of Object.entries(answer.upload.fields || {})) form.append(name, value);
  form.append("file", file); // S3 reads the fields first: the file must come last.
  let res;
  try {
    res = await fetch(answer.upload.url, { method: "POST", body: form });
  } catch {
    throw new Error("The photo could not be sent to the photo store; check the connection and try again.");
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] || `HTTP ${res.status}`;
    throw new Error(`The photo store refused the upload (${code}); ask for a new upload and try again.`);
  }
  return answer.uploadId;
}

/** The inventory table's photo cell: the thumbnail or a placeholder, the state, a file picker. */
export function photoCell(p, key, onPick) {
  const thumb = p.image?.thumbnail;
  const picture = thumb?.url
    ? h("img", { class: "inventory-thumb", src: thumb.url, width: thumb.width, height: thumb.height, alt: `Photo of ${p.name}`, loading: "lazy", decoding: "async" })
    : h("span", { class: "inventory-thumb is-empty", "aria-hidden": "true" }, "No photo");
  const input = h("input", {
    type: "file",
    id: `photo-${key}`,
    class: "visually-hidden",
    accept: PHOTO_TYPES.join(","),
    "aria-label": `Choose a photo of ${p.name}`,
  });
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = "";
    if (file) onPick(p.sku, file);
  });
  return h(
    "td",
    { role: "cell", class: "c-photo", "data-label": "Photo" },
    h(
      "div",
      { class: "photo-cell" },
      picture,
      photoState(p),
      // The input first: its keyboard focus shows on the label that follows it (app.css).
      input,
      h("label", { for: `photo-${key}`, class: "btn btn-secondary btn-small", id: `photo-label-${key}` }, thumb?.url ? "Replace photo" : "Add photo"),
    ),
  );
}

function photoState(p) {
  if (p.imageStatus === "PROCESSING") return h("span", { class: "badge badge-low", id: `photo-state-${p.sku}` }, "Processing…");
  if (p.imageStatus === "REJECTED") {
    return h("span", { class: "photo-refused" }, h("span", { class: "badge badge-out" }, "Photo refused"), " ", h("span", { class: "hint" }, p.imageReason || ""));
  }
  return null;
}
