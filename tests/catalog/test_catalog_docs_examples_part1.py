"""The request examples of KIE's docs pages, reproduced through `kiegram try --dry-run`.

One case per model page of the part-1 families (ByteDance and OmniHuman, ElevenLabs, Flux,
Google, Grok, Hailuo and MiniMax, HappyHorse, Ideogram, InfiniteTalk): each example's `input`
is given value by value (`--set`, `--file` for URLs) and the printed body must be the
example's `model` and `input` exactly, with their JSON types. The bodies are copied verbatim
from the pages' OpenAPI `example` (docs.kie.ai/<page>.md, as captured 2026-09-24;
sound-effect-v2 from its page's own example).

An empty value the example sends ("" or []) is typed as `--set NAME=`.

Pages left out because their example contradicts the page itself: sound-effect-v2 (it sends
`text: ""`, a required description), grok-imagine-image-2-0/text-to-image (`prompt: ""`, required)
and volcengine/video-to-video-lip-sync (it sends open_scenedet with mode lite; the page documents
scene detection for mode basic only, and `try` refuses a value that would not be sent rather
than drop it). The ElevenLabs text-to-speech pages (their example still sends the voice
"Rachel", which their own voice enum dropped; models.json fix), video-edit (its example's key
"reference_image " has a trailing space), gemini-omni-video (audio_ids and video_list, which a
chat never asks) and Veo 3.1 (the page now documents a createTask form, "veo-3-1" with
snake_case fields, while the catalog follows models.json's dedicated /veo/generate API). Parts
3 and 4 reproduce the other pages of these families (character-remix, the OmniHuman helpers,
Seedance 2, text-to-dialogue, Grok upscale/extend, ...) and of the rest of the catalog.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kiegram.catalog import InputSpec, load_catalog
from kiegram.cli.main import main

CATALOG = load_catalog()


def case(page: str, body: dict[str, Any]) -> Any:
    """One docs example."""
    return pytest.param(body, id=page)


CB = "https://your-domain.com/api/callback"
AQD = "https://file.aiquickdraw.com/custom-page/akr/section-images/"
STATIC = "https://static.aiquickdraw.com/tools/example/"

BYTEDANCE = [
    case(
        "market/bytedance/v1-pro-text-to-video",
        {
            "model": "bytedance/v1-pro-text-to-video",
            "input": {
                "prompt": "A boy with curly hair and a backpack rides a bike down a golden-lit "
                "rural road at sunset.\n[Cut to] He slows down and looks toward a field of tall "
                "grass.\n[Wide shot] His silhouette halts in the orange haze.",
                "aspect_ratio": "16:9",
                "resolution": "720p",
                "duration": "5",
                "camera_fixed": False,
                "seed": -1,
                "enable_safety_checker": True,
                "nsfw_checker": False,
            },
        },
    ),
    case(
        "market/bytedance/v1-pro-image-to-video",
        {
            "model": "bytedance/v1-pro-image-to-video",
            "input": {
                "prompt": "A golden retriever dashing through shallow surf at the beach, back "
                "angle camera low near waterline, splashes frozen in time, blur trails in waves "
                "and paws, afternoon sun glinting off wet fur, overcast day, dramatic clouds",
                "image_url": AQD + "1755179021328w1nhip18.webp",
                "resolution": "720p",
                "duration": "5",
                "camera_fixed": False,
                "seed": -1,
                "enable_safety_checker": True,
                "nsfw_checker": True,
            },
        },
    ),
    case(
        "market/bytedance/v1-lite-text-to-video",
        {
            "model": "bytedance/v1-lite-text-to-video",
            "input": {
                "prompt": "Wide-angle shot: A serene sailing boat gently sways in the harbor at "
                "dawn, surrounded by soft Impressionist hues of pink and orange with ivory "
                "accents. The camera slowly pans across the scene, capturing the delicate "
                "reflections on the water and the intricate details of the boat's sails as the "
                "light gradually brightens.",
                "aspect_ratio": "16:9",
                "resolution": "720p",
                "duration": "5",
                "camera_fixed": False,
                "seed": 91466377,
                "enable_safety_checker": True,
                "nsfw_checker": False,
            },
        },
    ),
    case(
        "market/bytedance/v1-lite-image-to-video",
        {
            "model": "bytedance/v1-lite-image-to-video",
            "input": {
                "prompt": "Multiple shots. A traveler crosses an endless desert toward a glowing "
                "archway. [Cut to] His cloak whips in the wind as he reaches the massive stone "
                "threshold. [Wide shot] He steps through — and vanishes into a burst of light",
                "image_url": AQD + "17550783375205e9woshz.png",
                "resolution": "720p",
                "duration": "5",
                "camera_fixed": False,
                "seed": -1,
                "enable_safety_checker": True,
                "end_image_url": "",
                "nsfw_checker": False,
            },
        },
    ),
    case(
        "market/bytedance/v1-pro-fast-image-to-video",
        {
            "model": "bytedance/v1-pro-fast-image-to-video",
            "input": {
                "prompt": "A cinematic close-up sequence of a single elegant ceramic coffee cup "
                "with saucer on a rustic wooden table near a sunlit window, hot rich espresso "
                "poured in a thin golden stream from above, gradually filling the cup in "
                "distinct stages: empty with faint steam, 1/4 filled with dark crema, "
                "half-filled with swirling coffee and rising steam, 3/4 filled nearing the rim, "
                "perfectly full just below overflow with glossy surface and soft bokeh "
                "highlights; ultra-realistic, warm golden-hour light, shallow depth of field, "
                "photorealism, detailed textures, subtle steam wisps, serene inviting "
                "atmosphere --ar 16:9 --q 2 --style raw",
                "image_url": AQD + "1762340693669m6sey187.webp",
                "resolution": "720p",
                "duration": "5",
                "nsfw_checker": True,
            },
        },
    ),
    case(
        "market/bytedance/seedance-1-5-pro",
        {
            "model": "bytedance/seedance-1.5-pro",
            "input": {
                "prompt": "A serene beach at sunset with waves gently crashing on the shore, "
                "palm trees swaying in the breeze, and seagulls flying across the orange sky",
                "input_urls": [AQD + "example1.png"],
                "aspect_ratio": "1:1",
                "resolution": "720p",
                "duration": 8,
                "fixed_lens": False,
                "generate_audio": False,
                "nsfw_checker": False,
            },
        },
    ),
    case(
        "market/omnihuman-1-5",
        {
            "model": "omnihuman-1-5",
            "input": {
                "image_url": "https://your-domain.com/image/portrait.png",
                "mask_url": ["https://your-domain.com/image/mask.png"],
                "audio_url": "https://your-domain.com/audio/speech.mp3",
                "prompt": "A person speaking naturally with gentle expressions.",
                "output_resolution": "1080",
                "pe_fast_mode": False,
                "seed": -1,
            },
        },
    ),
]

ELEVENLABS = [
    case(
        "market/elevenlabs/audio-isolation",
        {
            "model": "elevenlabs/audio-isolation",
            "input": {"audio_url": AQD + "1756964657418ljw1jbzr.mp3"},
        },
    ),
]

FLUX = [
    case(
        "market/flux2/pro-text-to-image",
        {
            "model": "flux-2/pro-text-to-image",
            "input": {
                "prompt": "Hyperrealistic supermarket blister pack on clean olive green surface. "
                'No shadows. Inside: bright pink 3D letters spelling "FLUX.2" pressing against '
                "stretched plastic film, creating realistic deformation and reflective "
                'highlights. Bottom left corner: barcode sticker with text "GENERATE NOW" and '
                '"PLAYGROUND". Plastic shows tension wrinkles and realistic shine where '
                "stretched by the volumetric letters.",
                "aspect_ratio": "1:1",
                "resolution": "1K",
                "nsfw_checker": False,
            },
        },
    ),
    case(
        "market/flux2/pro-image-to-image",
        {
            "model": "flux-2/pro-image-to-image",
            "input": {
                "input_urls": [
                    STATIC + "1764235041265_kjJ2sTMR.png",
                    STATIC + "1764235045490_9SjAUr4Z.png",
                ],
                "prompt": "The jar in image 1 is filled with capsules exactly same as image 2 "
                "with the exact logo",
                "aspect_ratio": "1:1",
                "resolution": "1K",
                "nsfw_checker": False,
            },
        },
    ),
    case(
        "market/flux2/flex-text-to-image",
        {
            "model": "flux-2/flex-text-to-image",
            "input": {
                "prompt": "A humanoid figure with a vintage television set for a head, featuring "
                "a green-tinted screen displaying a `Hello FLUX.2` writing in ASCII font. The "
                "figure is wearing a yellow raincoat, and there are various wires and components "
                "attached to the television. The background is cloudy and indistinct, "
                "suggesting an outdoor setting",
                "aspect_ratio": "1:1",
                "resolution": "1K",
                "nsfw_checker": False,
            },
        },
    ),
    case(
        "market/flux2/flex-image-to-image",
        {
            "model": "flux-2/flex-image-to-image",
            "input": {
                "input_urls": [
                    STATIC + "1764235158281_tABmx723.png",
                    STATIC + "1764235165079_8fIR5MEF.png",
                ],
                "prompt": "Replace the can in image 2 with the can from image 1",
                "aspect_ratio": "1:1",
                "resolution": "1K",
                "nsfw_checker": False,
            },
        },
    ),
    case(
        "flux-kontext-api/generate-or-edit-image",
        {
            "model": "flux1-kontext",
            "input": {
                "prompt": "A serene mountain landscape at sunset with a lake reflecting the "
                "orange sky",
                "enable_translation": True,
                "aspect_ratio": "16:9",
                "output_format": "jpeg",
                "prompt_upsampling": False,
            },
        },
    ),
]

COMIC = (
    "A lively comic scene where two colleagues are in an office. The first person says, 'Have "
    "you heard about Google Imagen 4 Ultra?' The second person responds with excitement, 'It’s "
    "the best text-to-image tool out there!' The first person asks again, 'Do you know where to "
    "get the API?' The second person smiles and says, 'Kie.ai has it!' In the final panel, the "
    "two look at a screen showing Kie.ai’s interface with an API option, with bright and "
    "colorful comic-style illustrations."
)
BANANA_POSTER = (
    "Comic poster: cool banana hero in shades leaps from sci-fi pad. Six panels: 1) 4K mountain "
    "landscape, 2) banana holds page of long multilingual text with auto translation, 3) "
    "Gemini 3 hologram for search/knowledge/reasoning, 4) camera UI sliders for angle focus "
    "color, 5) frame trio 1:1-9:16, 6) consistent banana poses. Footer shows Google icons. "
    "Tagline: Nano Banana Pro now on Kie AI."
)

GOOGLE = [
    case(
        "market/google/nano-banana",
        {
            "model": "google/nano-banana",
            "input": {
                "prompt": "A surreal painting of a giant banana floating in space, stars and "
                "galaxies in the background, vibrant colors, digital art",
                "output_format": "png",
                "aspect_ratio": "1:1",
            },
        },
    ),
    case(
        "market/google/nano-banana-edit",
        {
            "model": "google/nano-banana-edit",
            "input": {
                "prompt": "turn this photo into a character figure. Behind it, place a box with "
                "the character’s image printed on it, and a computer showing the Blender "
                "modeling process on its screen. In front of the box, add a round plastic base "
                "with the character figure standing on it. set the scene indoors if possible",
                "image_urls": [AQD + "1756223420389w8xa2jfe.png"],
                "output_format": "png",
                "aspect_ratio": "1:1",
            },
        },
    ),
    case(
        "market/google/pro-image-to-image",
        {
            "model": "nano-banana-pro",
            "input": {
                "prompt": BANANA_POSTER,
                "image_input": [],
                "aspect_ratio": "1:1",
                "resolution": "1K",
                "output_format": "png",
            },
        },
    ),
    case(
        "market/google/nanobanana2",
        {
            "model": "nano-banana-2",
            "input": {
                "prompt": BANANA_POSTER,
                "image_input": [],
                "aspect_ratio": "auto",
                "resolution": "1K",
                "output_format": "png",
            },
        },
    ),
    case(
        "market/google/nano-banana-2-lite",
        {
            "model": "nano-banana-2-lite",
            "input": {
                "image_urls": [AQD + "1756223420389w8xa2jfe.png"],
                "prompt": "Generate a pig on the grass, cinematic light",
                "aspect_ratio": "auto",
            },
        },
    ),
    case(
        "market/google/imagen4",
        {
            "model": "google/imagen4",
            "input": {"prompt": COMIC, "negative_prompt": "", "aspect_ratio": "1:1", "seed": ""},
        },
    ),
    case(
        "market/google/imagen4-ultra",
        {
            "model": "google/imagen4-ultra",
            "input": {"prompt": COMIC, "negative_prompt": "", "aspect_ratio": "1:1", "seed": ""},
        },
    ),
    case(
        "market/google/imagen4-fast",
        {
            "model": "google/imagen4-fast",
            "input": {
                "prompt": "Create a cinematic, photorealistic medium shot capturing the "
                "nostalgic warmth of a late 90s indie film. The focus is a young woman with "
                "brightly dyed pink hair (slightly faded) and freckled skin, looking directly and "
                "intently into the camera lens with a hopeful yet slightly uncertain smile. She "
                "wears an oversized, vintage band t-shirt (slightly worn, with the faintly "
                "cracked white text “KIE AI” across the chest) layered over a long-sleeved "
                "striped top, along with simple silver stud earrings. The lighting is soft, "
                "golden hour sunlight streaming through a slightly dusty window, creating lens "
                "flare and illuminating dust motes in the air. The background shows a blurred, "
                "cluttered bedroom with posters on the wall and fairy lights, rendered with a "
                "shallow depth of field. Natural film grain, a warm, slightly muted color "
                "palette, and sharp focus on her expressive eyes enhance the intimate, authentic "
                "feel.",
                "negative_prompt": "",
                "aspect_ratio": "16:9",
            },
        },
    ),
]

TITANIC = (
    "Recreate the Titanic movie poster with two adorable anthropomorphic cats in the same "
    "romantic pose at the bow of the ship. The male cat is an orange tabby wearing a vest, "
    "standing behind a white long-haired female cat in a lace dress, holding her paws as they "
    "stretch forward in the wind. Both cats are photorealistic with detailed fur, wind-swept "
    "hair, and dramatic sunset lighting (warm golden highlights, cool blue shadows). "
    "Background: the Titanic ship at dusk with four smokestacks, glowing deck lights, calm "
    "ocean, and orange-pink sunset sky. Center title: “CATANIC” in the same gold metallic "
    "serif style as Titanic, same size and position."
)
DOORS = (
    "A couple of doors open to the right one by one randomly and stay open, to show the inside, "
    "each is either a living room, or a kitchen, or a bedroom or an office, with little people "
    "living inside."
)
COFFEE = (
    "POV hand comes into frame handing the girl a cup of take away coffee, the girl steps out of "
    'the screen looking tired, then takes it and she says happily: "thanks! Back to work" she '
    "exits the frame and walks right to a different part of the office."
)

GROK = [
    case(
        "market/grok-imagine/text-to-image",
        {
            "model": "grok-imagine/text-to-image",
            "input": {
                "prompt": "Cinematic portrait of a woman sitting by a vinyl record player, retro "
                "living room background, soft ambient lighting, warm earthy tones, nostalgic "
                "1970s wardrobe, reflective mood, gentle film grain texture, shallow depth of "
                "field, vintage editorial photography style.",
                "aspect_ratio": "3:2",
            },
        },
    ),
    case(
        "market/grok-imagine/image-to-image",
        {
            "model": "grok-imagine/image-to-image",
            "input": {"prompt": TITANIC, "image_urls": [STATIC + "1767602105243_0MmMCrwq.png"]},
        },
    ),
    case(
        "market/grok-imagine-image-2-0/image-to-image",
        {
            "model": "grok-imagine-image-2-0/image-edit",
            "input": {
                "prompt": TITANIC,
                "aspect_ratio": "1:1",
                "image_urls": [STATIC + "1767602105243_0MmMCrwq.png"],
            },
        },
    ),
    case(
        "market/grok-imagine/text-to-video",
        {
            "model": "grok-imagine/text-to-video",
            "input": {
                "prompt": DOORS,
                "aspect_ratio": "2:3",
                "mode": "normal",
                "duration": 6,
                "resolution": "480p",
            },
        },
    ),
    case(
        "market/grok-imagine/text-to-video (short)",
        {
            "model": "grok-imagine/text-to-video",
            "input": {"prompt": DOORS, "aspect_ratio": "2:3", "mode": "normal"},
        },
    ),
    case(
        "market/grok-imagine/image-to-video",
        {
            "model": "grok-imagine/image-to-video",
            "input": {
                "image_urls": [AQD + "1762247692373tw5di116.png"],
                "prompt": COFFEE,
                "mode": "normal",
            },
        },
    ),
    case(
        "market/grok-imagine/1-5-preview",
        {
            "model": "grok-imagine-video-1-5-preview",
            "input": {
                "prompt": "Describe the scene you want to generate.",
                "image_urls": ["https://your-domain.com/image/example.png"],
                "aspect_ratio": "16:9",
                "resolution": "480p",
                "duration": 8,
            },
        },
    ),
]

HAILUO = [
    case(
        "market/hailuo/02-text-to-video-standard",
        {
            "model": "hailuo/02-text-to-video-standard",
            "input": {
                "prompt": "A llama and a raccoon battle it out in an intense table tennis match, "
                "inside a roaring Olympic stadium. Slow-mo, wild angles, full comedy mode.",
                "duration": "6",
                "prompt_optimizer": True,
            },
        },
    ),
    case(
        "market/hailuo/02-image-to-video-pro",
        {
            "model": "hailuo/02-image-to-video-pro",
            "input": {
                "prompt": "Cinematic wide shot: A colossal starship drifts silently above the "
                "rings of Saturn, its metallic hull reflecting streaks of cosmic light. The "
                "camera pushes closer, revealing thousands of illuminated windows like a "
                "floating city. Smaller fighter crafts dart across the frame, leaving neon "
                "trails as they maneuver through the vastness of space. A sudden burst of "
                "thrusters scatters asteroid fragments in slow motion, glowing faintly as they "
                "collide and drift apart.",
                "image_url": AQD + "17585210783150ispzfo7.png",
                "end_image_url": "",
                "prompt_optimizer": True,
            },
        },
    ),
    case(
        "market/hailuo/02-image-to-video-standard",
        {
            "model": "hailuo/02-image-to-video-standard",
            "input": {
                "prompt": "Epic aerial shot: A lone samurai stands atop a jagged mountain peak "
                "as a storm of sakura petals is swept across the wind. Behind him, the sky is "
                "split in two — half daylight, half night. The shot pulls back to reveal that "
                "the mountain is actually the curved back of a sleeping dragon that spans across "
                "the horizon. Lightning crackles in the distance as the dragon's eye slowly "
                "opens, glowing with ancient magic. The samurai doesn’t flinch; he lowers his "
                "straw hat and places his hand on the hilt of his blade.",
                "image_url": AQD + "17585207681646umf3lz8.png",
                "end_image_url": AQD + "1758521423357w8586uq8.png",
                "duration": "10",
                "resolution": "768P",
                "prompt_optimizer": True,
            },
        },
    ),
    case(
        "market/hailuo/2-3-image-to-video-standard",
        {
            "model": "hailuo/2-3-image-to-video-standard",
            "input": {
                "prompt": "Two armored medieval knights clash in an intense duel at sunset, "
                "cinematic lighting.  Metal armor reflects warm golden light from the sun and "
                "the glowing swords. Sparks explode as the swords collide. Dynamic camera "
                "movement, shallow depth of field, dramatic slow motion. The scene takes place "
                "in an open desert battlefield, dust in the air, warm orange sun behind them, "
                "epic atmosphere.  Highly detailed armor textures, realistic reflections, "
                "volumetric lighting, cinematic quality.",
                "image_url": AQD + "1761736401898mpm67du5.webp",
                "duration": "6",
                "resolution": "768P",
            },
        },
    ),
    case(
        "market/minimax-h3/text-to-video",
        {
            "model": "minimax-h3/text-to-video",
            "input": {
                "prompt": "A cat walking slowly on the beach at sunset, cinematic shot",
                "aspect_ratio": "16:9",
                "duration": 6,
            },
        },
    ),
    case(
        "market/minimax-h3/image-to-video",
        {
            "model": "minimax-h3/image-to-video",
            "input": {
                "prompt": "Let the character in the scene turn around naturally and smile, "
                "camera slowly pushing forward",
                "first_frame_url": "https://example.com/first-frame.jpg",
                "last_frame_url": "https://example.com/last-frame.jpg",
                "duration": 6,
            },
        },
    ),
]

QIPAO = (
    "A woman in a red qipao character1. The shot opens with a side medium view outlining the "
    "tailored fit of the qipao and S-curve silhouette, then cuts to a low-angle shot capturing "
    "her gracefully unfolding a folding fan character2, with tassel earrings character3 swaying "
    "lightly as she turns her head. Finally, the camera pushes into a facial close-up, freezing "
    "on her fingertips lightly touching the fan ribs and the subtle, reserved charm in her "
    "expressive gaze. Through multiple angles, it comprehensively showcases an aura of Eastern "
    "elegance."
)
LOREM = "https://loremflickr.com/400/400?lock="
CAT_PNG = STATIC + "1782114387854_IufKnPxR.png"

HAPPYHORSE = [
    case(
        "market/happyhorse/text-to-video",
        {
            "model": "happyhorse/text-to-video",
            "input": {
                "prompt": "A miniature city built from cardboard and bottle caps comes to life "
                "at night. A cardboard train slowly passes through, with small lights dotting "
                "the scene and illuminating the way ahead.",
                "resolution": "1080p",
                "aspect_ratio": "16:9",
                "duration": 5,
                "seed": 1622429582,
            },
        },
    ),
    case(
        "market/happyhorse/image-to-video",
        {
            "model": "happyhorse/image-to-video",
            "input": {
                "prompt": "A cat running on the grass",
                "image_urls": [LOREM + "4153750340434616"],
                "resolution": "1080p",
                "duration": 5,
                "seed": 1546095068,
            },
        },
    ),
    case(
        "market/happyhorse/reference-to-video",
        {
            "model": "happyhorse/reference-to-video",
            "input": {
                "prompt": QIPAO,
                "reference_image": [LOREM + "8132663902229376", LOREM + "1716016437146867"],
                "resolution": "1080p",
                "aspect_ratio": "16:9",
                "duration": 5,
                "seed": 1308038620,
            },
        },
    ),
    case(
        "market/happyhorse-1-1/text-to-video",
        {
            "model": "happyhorse-1-1/text-to-video",
            "input": {
                "prompt": "A dog running on the earth",
                "resolution": "1080p",
                "aspect_ratio": "16:9",
                "duration": 5,
            },
        },
    ),
    case(
        "market/happyhorse-1-1/image-to-video",
        {
            "model": "happyhorse-1-1/image-to-video",
            "input": {
                "image_urls": [CAT_PNG],
                "prompt": "A cat running on the grass",
                "resolution": "1080p",
                "duration": 5,
            },
        },
    ),
    case(
        "market/happyhorse-1-1/reference-to-video",
        {
            "model": "happyhorse-1-1/reference-to-video",
            "input": {
                "reference_image": [CAT_PNG],
                "prompt": "A cat running on the grass",
                "resolution": "1080p",
                "aspect_ratio": "16:9",
                "duration": 5,
            },
        },
    ),
]

IDEOGRAM = [
    case(
        "market/ideogram/v3-text-to-image",
        {
            "model": "ideogram/v3-text-to-image",
            "input": {
                "prompt": "A cinematic photograph of a tranquil lakeside at twilight, viewed "
                "from a slight elevation. In the center, a cluster of softly glowing reeds and "
                "water lilies emit a gentle golden light, their reflections shimmering on the "
                "calm surface. The elegant neon-style white text 'Kie.ai' hovers just above the "
                "water, subtly illuminated and harmonizing with the natural glow. Surrounding "
                "willows and drifting mist frame the scene, creating a serene yet magical "
                "atmosphere, with warm highlights contrasting against the cool blues of the "
                "evening sky.",
                "rendering_speed": "BALANCED",
                "style": "AUTO",
                "expand_prompt": True,
                "image_size": "square_hd",
                "seed": 123456,
                "negative_prompt": "blurry, low detail, distorted anatomy, extra limbs, "
                "malformed text, watermark",
            },
        },
    ),
    case(
        "market/ideogram/v3-edit",
        {
            "model": "ideogram/v3-edit",
            "input": {
                "prompt": "A dog wearing a cowboy hat",
                "image_url": AQD + "1755076859801ryyol1du.webp",
                "mask_url": AQD + "1755076871089hx9uonhc.webp",
                "rendering_speed": "BALANCED",
                "expand_prompt": True,
                "seed": 123456,
            },
        },
    ),
    case(
        "market/ideogram/v3-remix",
        {
            "model": "ideogram/v3-remix",
            "input": {
                "prompt": "Change the cube into a sphere",
                "image_url": AQD + "17550782013854ykfihxv.webp",
                "rendering_speed": "BALANCED",
                "style": "AUTO",
                "expand_prompt": True,
                "image_size": "square_hd",
                "num_images": "1",
                "seed": 123456,
                "strength": 0.8,
                "negative_prompt": "blurry, low quality, distorted, watermark",
            },
        },
    ),
    case(
        "market/ideogram/character-edit",
        {
            "model": "ideogram/character-edit",
            "input": {
                "prompt": "A fabulous look head tilted down, looking forward with a smile\n",
                "image_url": AQD + "17557680349256sa0lk53.webp",
                "mask_url": AQD + "1755768046014ftgvma28.webp",
                "reference_image_urls": [AQD + "1755768064644jodsmfhq.webp"],
                "rendering_speed": "BALANCED",
                "style": "AUTO",
                "expand_prompt": True,
                "num_images": "1",
            },
        },
    ),
]

IDEOGRAM += [
    case(
        "market/ideogram/character",
        {
            "model": "ideogram/character",
            "input": {
                "prompt": "Place the woman from the uploaded portrait, wearing a casual white "
                "blouse, in a peaceful garden setting. The scene should feature vibrant green "
                "plants and colorful flowers, with soft sunlight filtering through the leaves. "
                "She should be sitting on a wooden bench, holding a book and smiling gently. The "
                "background should be filled with lush greenery, with a serene, tranquil "
                "atmosphere. Golden afternoon light should highlight the woman’s face and create "
                "soft shadows on the ground, adding a peaceful, reflective mood to the scene",
                "reference_image_urls": [AQD + "1755767145415pvz49dpi.webp"],
                "rendering_speed": "BALANCED",
                "style": "AUTO",
                "expand_prompt": True,
                "num_images": "1",
                "image_size": "square_hd",
                "negative_prompt": "",
            },
        },
    ),
]

INFINITALK = [
    case(
        "market/infinitalk/from-audio",
        {
            "model": "infinitalk/from-audio",
            "input": {
                "image_url": AQD + "1757329269873ggqj2hz3.png",
                "audio_url": AQD + "1757329255705mmqwrnri.mp3",
                "prompt": "A young woman with long dark hair talking on a podcast.",
                "resolution": "480p",
            },
        },
    ),
]

EXAMPLES = [
    *BYTEDANCE,
    *ELEVENLABS,
    *FLUX,
    *GOOGLE,
    *GROK,
    *HAILUO,
    *HAPPYHORSE,
    *IDEOGRAM,
    *INFINITALK,
]


def _arg(field: InputSpec, value: Any) -> list[str]:
    """The `try` options that give `value` to `field` as a person would type it."""
    if value in ("", []):
        return [f"--set={field.name}="]  # an explicit empty value
    if field.is_media:
        urls = value if isinstance(value, list) else [value]
        return [f"--file={field.name}={url}" for url in urls]
    if isinstance(value, bool):
        return [f"--set={field.name}={'true' if value else 'false'}"]
    return [f"--set={field.name}={value}"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_docs_example_is_the_printed_body(
    example: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    spec = CATALOG.get(example["model"])
    assert spec is not None and spec.usable, example["model"]
    fields = spec.inputs_by_name()
    args = [a for name, value in example["input"].items() for a in _arg(fields[name], value)]
    code = main(["try", spec.id, *args, "--dry-run", "--json", "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    body = json.loads(captured.out)
    assert body["model"] == example["model"]
    assert json.dumps(body["input"], sort_keys=True) == json.dumps(example["input"], sort_keys=True)


def test_every_family_of_part_one_has_an_example() -> None:
    families = {CATALOG.get(p.values[0]["model"]).family for p in EXAMPLES}  # type: ignore[union-attr]
    assert families >= {
        "bytedance",
        "elevenlabs",
        "flux",
        "google",
        "grok",
        "hailuo",
        "happyhorse",
        "ideogram",
        "infinitalk",
    }
