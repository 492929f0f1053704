// VS Code on Windows runs extensions in Code.exe (or "Code - Insiders.exe",
// VSCodium.exe, ...), which exports Node-API itself; no node.exe is there.
// The addon imports Node-API from "node.exe" through a delay-load import
// library, and this hook answers that import with the program that loaded
// the addon, whatever its name. Only the MinGW build links it (see Makefile).
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <delayimp.h>
#include <string.h>

namespace {

FARPROC WINAPI load_host_program(unsigned event, PDelayLoadInfo info) {
  if (event == dliNotePreLoadLibrary && _stricmp(info->szDll, "node.exe") == 0) {
    return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
  }
  return nullptr;  // anything else: the default behaviour
}

}  // namespace

// Declared extern "C" by delayimp.h; defining it replaces the library's null one.
PfnDliHook __pfnDliNotifyHook2 = load_host_program;
