; Inno Setup 6 script: Facilitator's Windows installer, from the one-folder app in dist\.
; Built by `py dev.py build` (packaging/build.py passes /DAppVersion and /DDist), or by hand:
;   iscc /DAppVersion=0.1.0 /DDist=C:\path\to\dist packaging\windows\facilitator.iss
; Installs for the current user without admin rights (or for everyone, if chosen), adds a
; Start menu entry, opens .facilitator files with Facilitator, and uninstalls cleanly (the
; event files and settings the user made are kept).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef Dist
  #define Dist "..\..\dist"
#endif

[Setup]
AppId={{6F1C8B7E-3D2A-4C59-9E0B-FAC111A7A70E}
AppName=Facilitator
AppVersion={#AppVersion}
AppPublisher=The Facilitator developers
DefaultDirName={autopf}\Facilitator
DefaultGroupName=Facilitator
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
LicenseFile=..\..\LICENSE
SetupIconFile=..\facilitator.ico
UninstallDisplayIcon={app}\facilitator.exe
OutputDir={#Dist}
OutputBaseFilename=Facilitator-{#AppVersion}-windows-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
; The installer's own pages in English only: Inno Setup ships no Welsh catalogue.
Name: "english"; MessagesFile: "compiler:Default.isl"

[Types]
Name: "full"; Description: "Facilitator with the paper reader"
Name: "compact"; Description: "Facilitator without the paper reader (220 MB less)"

[Components]
; The paper reader add-on (OpenCV, numpy, PDFium: packaging/build.py's facilitator-reader):
; reading marked papers from scans, photos and a camera. Without it the Reading page says so.
Name: "main"; Description: "Facilitator"; Types: full compact; Flags: fixed
Name: "reader"; Description: "Paper reader (reads marked ballot papers)"; Types: full

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Dist}\facilitator\*"; DestDir: "{app}"; Components: main; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#Dist}\facilitator-reader\*"; DestDir: "{app}\reader"; Components: reader; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Facilitator"; Filename: "{app}\facilitator.exe"
Name: "{autodesktop}\Facilitator"; Filename: "{app}\facilitator.exe"; Tasks: desktopicon

[Registry]
; .facilitator files open with Facilitator (per user, or machine-wide in an admin install).
Root: HKA; Subkey: "Software\Classes\.facilitator\OpenWithProgids"; ValueType: string; ValueName: "Facilitator.Event"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Facilitator.Event"; ValueType: string; ValueName: ""; ValueData: "Facilitator event"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Facilitator.Event\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\facilitator.exe,0"
Root: HKA; Subkey: "Software\Classes\Facilitator.Event\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\facilitator.exe"" ""%1"""

[Run]
Filename: "{app}\facilitator.exe"; Description: "{cm:LaunchProgram,Facilitator}"; Flags: nowait postinstall skipifsilent
