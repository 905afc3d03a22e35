"""Loading libckpt.so.1 and binding its text API with ctypes.

Only the JSON-text half of ``include/ckpt.h`` is bound (``ckpt_version``,
``ckpt_strerror``, ``ckpt_client_open_text``, ``ckpt_client_close``,
``ckpt_call_text``, ``ckpt_free``), so Python never needs jansson.

Strings the library allocates come back through ``c_void_p`` out-parameters,
are copied with :func:`ctypes.string_at` and released with ``ckpt_free``
exactly once (:func:`_take` clears the pointer after freeing it).  A
``c_char_p`` would hand Python a copy and lose the pointer, leaking it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._version import __version__
from .errors import Error, InternalError, error_from_object

__all__ = [
    "ENV_VAR",
    "SONAME",
    "library_path",
    "library_version",
    "strerror",
    "client_open",
    "client_close",
    "call",
]

#: The environment variable that names the library file to load.
ENV_VAR = "CKPT_LIBRARY"
#: The library's versioned soname.
SONAME = "libckpt.so.1"


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

def _load() -> Tuple[ctypes.CDLL, str]:
    """Load libckpt, trying in order: ``$CKPT_LIBRARY``, a library packaged
    beside this module, ``ctypes.util.find_library("ckpt")``, the soname.

    Raises:
        ImportError: nothing loaded; the message lists every attempt.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        # An explicit override that silently fell back to some other copy of
        # the library would hide exactly the mistake it exists to catch
        # (libarchive-c treats LIBARCHIVE the same way).
        try:
            return ctypes.CDLL(override), override
        except OSError as e:
            raise ImportError(
                f"ckpt: cannot load libckpt from ${ENV_VAR}={override!r}: {e}. "
                f"Point {ENV_VAR} at a libckpt.so.1 file, or unset it to search the "
                "packaged copy and the system library path."
            ) from e

    tried: List[str] = [f"${ENV_VAR}: not set"]
    candidates: List[Tuple[str, str]] = []
    packaged = os.path.join(os.path.dirname(os.path.abspath(__file__)), SONAME)
    if os.path.exists(packaged):
        candidates.append(("packaged beside the module", packaged))
    else:
        tried.append(f"{packaged}: not present")
    try:
        found = ctypes.util.find_library("ckpt")
    except Exception as e:  # find_library runs ldconfig/gcc; never fatal
        found = None
        tried.append(f'ctypes.util.find_library("ckpt"): failed: {e}')
    else:
        if found is None:
            tried.append('ctypes.util.find_library("ckpt"): not found')
    if found and found != SONAME:
        candidates.append(('ctypes.util.find_library("ckpt")', found))
    candidates.append(("the soname, through the dynamic loader's search path", SONAME))

    for how, name in candidates:
        try:
            return ctypes.CDLL(name), name
        except OSError as e:
            tried.append(f"{name} ({how}): {e}")
    raise ImportError(
        "ckpt: cannot find libckpt.so.1. Tried:\n  - "
        + "\n  - ".join(tried)
        + f"\nInstall libckpt, add its directory to LD_LIBRARY_PATH, or set {ENV_VAR} "
        "to the path of libckpt.so.1."
    )


_lib, library_path = _load()


# ---------------------------------------------------------------------------
# Binding
# ---------------------------------------------------------------------------

_ErrCheck = Callable[[Any, Any, Tuple[Any, ...]], Any]


def _ffi(name: str, argtypes: Sequence[Any], restype: Any, errcheck: Optional[_ErrCheck] = None) -> Any:
    """Bind one C function with its argument and result types (libarchive-c's
    ``ffi()``), and an ``errcheck`` that turns a failure into an exception."""
    try:
        f = getattr(_lib, name)
    except AttributeError as e:
        raise ImportError(
            f"ckpt: {library_path} does not export {name}; is it libckpt {__version__.split('.')[0]}.x?"
        ) from e
    f.argtypes = list(argtypes)
    f.restype = restype
    if errcheck is not None:
        f.errcheck = errcheck
    return f


_ckpt_free = _ffi("ckpt_free", [ctypes.c_void_p], None)


def _take(p: ctypes.c_void_p) -> Optional[bytes]:
    """Copy a library-allocated string out of ``p``, release it with
    ``ckpt_free`` and clear ``p``, so that a second call is a no-op."""
    addr = p.value
    if not addr:
        return None
    try:
        return ctypes.string_at(addr)
    finally:
        p.value = None
        _ckpt_free(addr)


def _raise_on_error(rc: int, func: Any, args: Tuple[Any, ...]) -> int:
    """errcheck of the int-returning functions, whose last parameter is the
    ``char **error_json`` out-parameter.

    ``args`` holds the objects the caller passed: out-parameters are
    ``c_void_p`` instances (ctypes applies ``byref`` itself), so the error
    text can be read and released here.
    """
    text = _take(args[-1])
    if rc == 0:
        return rc
    raise _error_from_text(rc, text)


def _error_from_text(rc: int, text: Optional[bytes]) -> Error:
    if text is None:
        return error_from_object({"code": rc, "class": strerror(rc), "error_msg": "no error object"}, rc)
    try:
        obj = json.loads(text)
        if not isinstance(obj, dict):
            raise ValueError("not an object")
    except ValueError as e:
        return InternalError(f"libckpt returned an unreadable error object ({e}): {text[:200]!r}", code=rc)
    return error_from_object(obj, rc)


_CharPP = ctypes.POINTER(ctypes.c_void_p)  # char ** out-parameters, read as addresses

_ckpt_version = _ffi("ckpt_version", [], ctypes.c_char_p)  # static: do not free
_ckpt_strerror = _ffi("ckpt_strerror", [ctypes.c_int], ctypes.c_char_p)  # static: do not free
_ckpt_client_open_text = _ffi(
    "ckpt_client_open_text",
    [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), _CharPP],
    ctypes.c_int,
    _raise_on_error,
)
_ckpt_client_close = _ffi("ckpt_client_close", [ctypes.c_void_p], None)
# No errcheck: call() reads both out-parameters itself (the hot path).
_ckpt_call_text = _ffi(
    "ckpt_call_text",
    [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, _CharPP, _CharPP],
    ctypes.c_int,
)
_decoder = json.JSONDecoder()


# ---------------------------------------------------------------------------
# The Python-facing functions
# ---------------------------------------------------------------------------

def library_version() -> str:
    """The loaded library's ``ckpt_version()``, ``"MAJOR.MINOR.PATCH"``."""
    v: bytes = _ckpt_version()
    return v.decode("ascii", "replace")


def strerror(code: int) -> str:
    """The class name of a ``CKPT_E*`` code (``ckpt_strerror``)."""
    s: bytes = _ckpt_strerror(code)
    return s.decode("ascii", "replace")


def client_open(config_json: Optional[bytes]) -> int:
    """``ckpt_client_open_text``: the new handle's address.

    Raises:
        ckpt.Error: the library refused the configuration or the store.
    """
    handle = ctypes.c_void_p()
    error = ctypes.c_void_p()
    try:
        _ckpt_client_open_text(config_json, handle, error)
    finally:
        _take(error)
    if not handle.value:
        raise InternalError("ckpt_client_open_text succeeded without a handle")
    return handle.value


def client_close(handle: int) -> None:
    """``ckpt_client_close``.  No call on the handle may be running."""
    _ckpt_client_close(handle)


def call(handle: int, operation: bytes, request_json: Optional[bytes]) -> bytes:
    """``ckpt_call_text``: the response JSON text.

    Raises:
        ckpt.Error: the error object's class, with its detail.
    """
    response = ctypes.c_void_p()
    error = ctypes.c_void_p()
    rc = _ckpt_call_text(handle, operation, request_json, response, error)
    # Both are read and released whatever rc says: by contract only one is
    # set, but a future library version must not make us leak.
    try:
        text = _take(response)
    finally:
        error_text = _take(error)
    if rc != 0:
        raise _error_from_text(rc, error_text)
    if text is None:
        raise InternalError(f"ckpt_call_text({operation!r}) succeeded without a response")
    return text


def parse_object(text: bytes) -> Dict[str, Any]:
    """A response's JSON text as a dict.

    The library writes compact UTF-8 JSON, so ``raw_decode`` on the decoded
    text (a third cheaper than ``json.loads`` on bytes, which sniffs the
    encoding and scans for whitespace) reads it whole; anything else, such
    as a remote service's text with surrounding whitespace, takes the
    ``json.loads`` path and its errors.
    """
    s = text.decode("utf-8")
    try:
        obj, end = _decoder.raw_decode(s)
    except ValueError:
        obj, end = None, -1
    if end != len(s) or type(obj) is not dict:
        obj = json.loads(s)
        if type(obj) is not dict:
            raise InternalError("libckpt returned a response that is not a JSON object")
    result: Dict[str, Any] = obj
    return result


def _check_version() -> None:
    runtime = library_version()
    if runtime.split(".")[0] != __version__.split(".")[0]:
        raise ImportError(
            f"ckpt: {library_path} is libckpt {runtime}, but this binding ({__version__}) "
            f"needs libckpt {__version__.split('.')[0]}.x"
        )


_check_version()
