"""Placeholder trainer window until the interactive UI lands (issue: interactive trainer)."""

from __future__ import annotations

import os


def run_app() -> int:
    import pygame

    pygame.init()
    screen = pygame.display.set_mode((960, 540), pygame.RESIZABLE)
    pygame.display.set_caption("Marrowsim")
    font = pygame.font.Font(None, 36)
    clock = pygame.time.Clock()
    frames = int(os.environ.get("MARROWSIM_MAX_FRAMES", "0"))
    n = 0
    while True:
        for event in pygame.event.get():
            if event.type == pygame.QUIT or (
                event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE
            ):
                pygame.quit()
                return 0
        screen.fill((24, 28, 36))
        text = font.render(
            "Marrowsim: the trainer UI is not built yet. Use 'python -m sim run'.",
            True,
            (230, 230, 230),
        )
        screen.blit(text, (30, 250))
        pygame.display.flip()
        clock.tick(30)
        n += 1
        if frames and n >= frames:
            pygame.quit()
            return 0
