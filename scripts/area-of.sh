# Sourced by scripts/sw-precache and scripts/bench: `area_of /path` prints the
# areas of the app (jianzheng_core::area) a built file belongs to, one per
# line: an area's shell and its JS and wasm (jianzheng-<area>-<hash>…), the
# style every area but the resident's adds (tools-<hash>.css), `common` for
# the files every area shares, or `onDemand` for the shared files only a
# home screen install asks for (the large icons): the service worker keeps
# them when the browser first fetches them, never on a first visit.
area_of() {
  case "$1" in
    /icons/icon-512*) echo onDemand ;;
    /index.html | /jianzheng-resident-*) echo resident ;;
    /clerk.html | /jianzheng-clerk-*) echo clerk ;;
    /town.html | /jianzheng-town-*) echo town ;;
    /verify.html | /jianzheng-verify-*) echo verify ;;
    /poster.html | /jianzheng-poster-*) echo poster ;;
    /tools-*.css) printf '%s\n' clerk town verify poster ;;
    *) echo common ;;
  esac
}
