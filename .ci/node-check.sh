# Sourced by .ci/run: the tests are proven on the Node line named in .nvmrc (README "Node
# versions"); on any other, stop before installing rather than pass or fail for the wrong reason.
greenline_want="$(tr -d ' \nv' < .nvmrc)"
greenline_have="$(node --version 2>/dev/null || echo none)"
case "$greenline_have" in
  "v$greenline_want" | "v$greenline_want".*) echo "Node $greenline_have (.nvmrc: $greenline_want)" ;;
  *)
    echo "CI runs on Node $greenline_want (.nvmrc), this machine has $greenline_have: install it first" >&2
    exit 1
    ;;
esac
