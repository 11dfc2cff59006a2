"""The reviewer's side in Qt: replay window, report plots and PDF printing."""
