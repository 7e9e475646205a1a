; Inno Setup 6 script: per-user installer for y90gui (no administrator rights needed).
; Built by packaging/windows/build.ps1, which passes the version, the bundle folder and the icon:
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=C:\...\build\pyi-dist\y90gui /DIconFile=C:\...\y90gui.ico y90gui.iss
; Installs to %LOCALAPPDATA%\Programs\y90gui, adds a Start-menu entry, associates .y90 files in
; HKEY_CURRENT_USER\Software\Classes, and removes all of it on uninstall (users' .y90 files and
; their data folder %LOCALAPPDATA%\y90gui are theirs and stay).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\pyi-dist\y90gui"
#endif
#define AppName "y90gui"
#define AppExe "y90gui.exe"
#define ProgId "y90gui.CaseSeries"

[Setup]
AppId={{6F3C2B1E-9A47-4E0B-8D2C-59393047A001}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=y90gui developers
AppComments=Review and analyse case series of Y-90 radioembolization after PRRT
VersionInfoVersion={#AppVersion}
; per user: {autopf} is %LOCALAPPDATA%\Programs, registry root HKA is HKCU
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
ChangesAssociations=yes
CloseApplications=yes
OutputDir=..\..\dist
OutputBaseFilename=y90gui-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={#AppName} {#AppVersion}
UninstallDisplayIcon={app}\{#AppExe}
#ifdef IconFile
SetupIconFile={#IconFile}
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Y-90 radioembolization case series"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .y90 -> y90gui.CaseSeries -> "y90gui.exe" "%1"   (HKA = HKCU\Software\Classes for a per-user install)
Root: HKA; Subkey: "Software\Classes\.y90"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.y90\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "y90gui case series"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".y90"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; nothing is written into {app} at run time; remove the folder if Windows left it empty
Type: dirifempty; Name: "{app}"
