; Inno Setup script for RNN Studio on Windows 10/11 (x64).
; UNTESTED on the Linux development machine: built and smoke-tested by
; .github/workflows/installers.yml on windows-latest. Build the bundle first
; (packaging/build_bundle.sh, or PyInstaller with packaging/rnn-studio.spec), then:
;   iscc /DAppVersion=0.1.0 packaging\windows\rnn-studio.iss
; Output: packaging\out\rnn-studio-<version>-windows-x64-setup.exe
; Installs for all users (admin) or, if the user chooses, only for themselves (no admin).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6F1B2C3D-8E47-4A5B-9C0D-2E3F4A5B6C7D}
AppName=RNN Studio
AppVersion={#AppVersion}
AppVerName=RNN Studio {#AppVersion}
AppPublisher=RNN Studio developers
AppPublisherURL=https://github.com/rnnstudio/rnn-studio
DefaultDirName={autopf}\RNN Studio
DefaultGroupName=RNN Studio
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
LicenseFile=..\..\LICENSE
OutputDir=..\out
OutputBaseFilename=rnn-studio-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\rnn-studio.ico
UninstallDisplayIcon={app}\rnn-studio.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller one-folder bundle: Python, Qt, NumPy and the app's data files.
Source: "..\out\dist\rnn-studio\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\RNN Studio"; Filename: "{app}\rnn-studio.exe"
Name: "{autodesktop}\RNN Studio"; Filename: "{app}\rnn-studio.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\rnn-studio.exe"; Description: "{cm:LaunchProgram,RNN Studio}"; Flags: nowait postinstall skipifsilent
