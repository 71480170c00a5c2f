# Sourced by the benches that time a code change (bench-package.sh, bench-watch.sh).
#
# one_line_change TREE N: a one-line change of code in TREE's catalog handler — a response header
# `x-bench-edit: run-N` on its answers — so the compiler has real work (a comment would be
# skipped by incremental compilation) and a client can see which code answered. Revisions whose
# handler lacks the anchor line get a comment appended instead.
one_line_change() {
  local file=$1/functions/src/catalog.rs anchor='let mut res = http::serve(&CATALOG'
  if grep -q "$anchor" "$file"; then
    sed -i "/x-bench-edit/d; /$(printf '%s' "$anchor" | sed 's/[&/]/\\&/g')/a\\
        res.headers_mut().insert(\"x-bench-edit\", HeaderValue::from_static(\"run-$2\"));" "$file"
  else
    echo "// bench: one-line change $2" >>"$file"
  fi
}
