; Inno Setup 6 script: wraps the one-folder bundle dist\exposure-check\ into one installer .exe.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\exposure-check.iss
;
; The release workflow (.github/workflows/release.yml) runs this after building and signing the bundle, then signs
; the installer itself. The installer asks for no administrator rights by default (per-user install), because
; people at an NGO's table or a library computer often have none.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z exposure-check.iss
#endif
#define AppName "Exposure Check"
#define AppExe "exposure-check.exe"
#define BundleDir "..\..\dist\exposure-check"

[Setup]
; A fixed AppId lets a newer installer upgrade an older install in place. Never change it.
AppId={{4E1C7D2A-9B35-4F0E-A6C8-2D7B51E9F310}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Exposure Check project
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist\installer
OutputBaseFilename=exposure-check-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
#if FileExists(AddBackslash(SourcePath) + "..\..\resources\gui\icons\exposure-check.ico")
SetupIconFile=..\..\resources\gui\icons\exposure-check.ico
#endif

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Simplified Chinese: Inno Setup's own translation is an unofficial one that not every install carries, so the
; project keeps its own next to this script (UTF-8 with a byte-order mark, written for this installer).
Name: "zh_CN"; MessagesFile: "ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes the program only. A saved (encrypted) history stays until the person uses
; "Wipe everything" in the app, which also removes its key from Windows Credential Manager.
