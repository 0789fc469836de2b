// The sanitizer lives in PostureModel so every renderer (screen, score reports, CI formats)
// shares the one implementation; views code and its tests keep reaching it as before.
@_exported import PostureModel
