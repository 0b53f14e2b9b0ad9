"""Reading a Chrome trace-event file (the JSON of ldmd's and vfsim's traces), shared by
scripts/render_timeline.py and scripts/trace_timeline.py."""
import json


def load(path, die):
    """The document and its event list; die(message) on a file that is not one."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        die(f"{path}: {e.strerror}")
    except (ValueError, UnicodeDecodeError) as e:
        die(f"{path}: not JSON ({e})")
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc   # the bare-array form too
    if not isinstance(events, list):
        die(f"{path}: no traceEvents list (not a Chrome trace-event file)")
    return (doc if isinstance(doc, dict) else {}), events
